package dev.mirrorseed.work;

import dev.mirrorseed.events.ErrorCode;
import dev.mirrorseed.push.PushException;
import dev.mirrorseed.registry.RegistryException;
import dev.mirrorseed.registry.RegistryUnreachableException;

/** Sorts a push failure into an {@link ErrorCode} with the one line a person reads. */
record FailureKind(ErrorCode code, String message) {
  static FailureKind of(RuntimeException failure) {
    String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    if (failure instanceof RegistryUnreachableException) {
      return new FailureKind(ErrorCode.REGISTRY_UNREACHABLE, message);
    }
    if (failure instanceof RegistryException registryError) {
      int status = registryError.statusCode();
      ErrorCode code = status == 401 || status == 403 ? ErrorCode.UNAUTHORIZED
          : registryError.retriable() ? ErrorCode.REGISTRY_ERROR
          : ErrorCode.REJECTED;
      return new FailureKind(code, message);
    }
    if (failure instanceof PushException || failure instanceof java.io.UncheckedIOException) {
      return new FailureKind(ErrorCode.BAD_INPUT, message);
    }
    return new FailureKind(ErrorCode.INTERNAL, failure.getClass().getSimpleName() + ": " + message);
  }
}
