package dev.mirrorseed.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorseed.registry.auth.Challenge;
import dev.mirrorseed.registry.auth.WwwAuthenticate;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * Turns what went wrong in an exchange into a {@link RegistryException} with a one-line message:
 * registry, method, path, status, the registry's own OCI error code and message, and what to do.
 */
final class RegistryErrors {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_DETAIL_CHARS = 300;
  private static final String CHECK_ADDRESS = "check --private-registry and that the registry is running";

  /** What to do about an OCI error code, where the status alone does not say it. */
  private static final Map<String, String> FIX_BY_CODE = Map.of(
      "DIGEST_INVALID", "the uploaded bytes do not hash to the digest; check the bundle's blob file",
      "SIZE_INVALID", "the uploaded length differs from the descriptor's size; check the bundle's blob file",
      "MANIFEST_BLOB_UNKNOWN", "push every blob the manifest references before the manifest",
      "MANIFEST_INVALID", "the registry does not accept this manifest as it is",
      "NAME_INVALID", "the repository name is not valid on this registry");

  private RegistryErrors() {}

  /** The one retry predicate for HTTP answers: only these may go better on a later attempt. */
  static boolean isRetriableStatus(int status) {
    return status == 408 || status == 429 || status >= 500;
  }

  static RegistryException fromResponse(RegistryEndpoint endpoint, HttpRequest request, HttpResponse<byte[]> response) {
    int status = response.statusCode();
    List<String[]> errors = errorBody(response.body());
    String code = errors.isEmpty() ? null : errors.get(0)[0];
    String detail = errors.isEmpty() ? "" : " (" + describe(errors) + ")";
    String message = "registry " + endpoint.hostPort() + " answered " + exchange(request) + " with " + status
        + detail + ": " + (status == 401 || status == 403 ? authFix(status, response) : fix(status, code));
    return new RegistryException(
        message, status, code, isRetriableStatus(status), retryAfter(response), null);
  }

  static RegistryException fromIOException(RegistryEndpoint endpoint, HttpRequest request, IOException e) {
    String registry = "registry " + endpoint.hostPort();
    if (e instanceof ProxyFailure proxyFailure) {
      return ConnectionErrors.proxy(endpoint, proxyFailure);
    }
    if (has(e, SSLException.class)) {
      // Not retriable: a certificate or protocol mismatch does not fix itself.
      return ConnectionErrors.tls(endpoint, request, e, e instanceof TlsFailure tls ? tls.tls() : null);
    }
    if (has(e, UnresolvedAddressException.class) || has(e, UnknownHostException.class)) {
      return new RegistryUnreachableException(registry + " is unreachable (unknown host "
          + endpoint.host() + "): " + CHECK_ADDRESS, e);
    }
    if (e instanceof HttpConnectTimeoutException) {
      return new RegistryUnreachableException(registry + " is unreachable (no connection within "
          + HttpClientTransport.CONNECT_TIMEOUT.toSeconds() + " s): " + CHECK_ADDRESS, e);
    }
    if (e instanceof HttpTimeoutException) {
      return new RegistryUnreachableException(registry + " did not answer " + exchange(request)
          + " in time: check that the registry is healthy", e);
    }
    if (has(e, ConnectException.class) || has(e, NoRouteToHostException.class)) {
      // The JDK's HttpClient reports a refused connection as a ConnectException with no message.
      String reason = rootMessage(e).equals(e.getClass().getSimpleName()) ? "connection refused" : rootMessage(e);
      return new RegistryUnreachableException(registry + " is unreachable (" + reason.toLowerCase(Locale.ROOT)
          + "): " + CHECK_ADDRESS, e);
    }
    return new RegistryException(registry + " broke off " + exchange(request) + " (" + rootMessage(e)
        + "): retrying may help; check the registry's log if it keeps happening", 0, null, true, null, e);
  }

  static RegistryException interrupted(RegistryEndpoint endpoint, HttpRequest request, InterruptedException e) {
    return new RegistryException("interrupted during " + exchange(request) + " on registry " + endpoint.hostPort()
        + ": the process is shutting down", 0, null, false, null, e);
  }

  private static String fix(int status, String code) {
    if (code != null && FIX_BY_CODE.containsKey(code)) {
      return FIX_BY_CODE.get(code);
    }
    return switch (status) {
      case 404 -> "it is not on the registry";
      case 405 -> "the registry does not allow this (read-only, or a pull-through cache?); mirror to a writable registry";
      case 408 -> "the registry timed out waiting for the request; retrying may help";
      case 413 -> "the registry or a proxy in front of it limits request size; raise that limit, or upload"
          + " in chunks below it with --chunk-size";
      case 429 -> "the registry is rate limiting; lower the request rate";
      default -> status >= 500
          ? "the registry failed; retrying may help, check its log if it keeps happening"
          : "the registry rejected the request";
    };
  }

  /**
   * What to do about a 401 the authentication layer could not answer (no challenge, or a scheme other
   * than Basic and Bearer) or a 403 (who we are was accepted, what we asked was not).
   */
  private static String authFix(int status, HttpResponse<byte[]> response) {
    if (status == 403) {
      String who = AuthErrors.basicUser(response.request()).map(user -> "user " + user).orElse("the account");
      return "the registry refuses this to " + who + "; check that it may push to and pull from this repository";
    }
    List<String> schemes = new ArrayList<>();
    for (Challenge challenge : WwwAuthenticate.parse(response.headers().allValues("WWW-Authenticate"))) {
      schemes.add(challenge.scheme());
    }
    if (!schemes.isEmpty()) {
      return "the registry asks for " + String.join(" or ", schemes) + " authentication, which mirrorseed does not"
          + " speak (only Basic and Bearer tokens); put a registry or proxy that does in front of it";
    }
    return "credentials are needed; " + AuthErrors.GIVE_CREDENTIALS + ", or allow anonymous push there";
  }

  /** {@code METHOD /path}; the query is left out, it holds upload state tokens nobody can read. */
  private static String exchange(HttpRequest request) {
    return request.method() + " " + request.uri().getRawPath();
  }

  /** The {@code errors} array of an OCI error body as (code, message) pairs; empty if there is none. */
  private static List<String[]> errorBody(byte[] body) {
    List<String[]> errors = new ArrayList<>();
    if (body == null || body.length == 0) {
      return errors;
    }
    try {
      for (JsonNode error : JSON.readTree(body).path("errors")) {
        errors.add(new String[] {error.path("code").asText("UNKNOWN"), error.path("message").asText("")});
      }
    } catch (IOException e) {
      // Not OCI JSON (an HTML page from a proxy, say): the status and the fix still say enough.
    }
    return errors;
  }

  private static String describe(List<String[]> errors) {
    List<String> parts = new ArrayList<>();
    for (String[] error : errors) {
      parts.add(error[1].isBlank() ? error[0] : error[0] + ": " + error[1]);
    }
    String text = String.join("; ", parts).replaceAll("\\s+", " ").strip();
    return text.length() <= MAX_DETAIL_CHARS ? text : text.substring(0, MAX_DETAIL_CHARS) + "...";
  }

  /** {@code Retry-After} as delta-seconds or an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(HttpResponse<?> response) {
    String value = response.headers().firstValue("Retry-After").map(String::strip).orElse(null);
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
    } catch (NumberFormatException notSeconds) {
      try {
        Duration until = Duration.between(ZonedDateTime.now(),
            ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
        return until.isNegative() ? Duration.ZERO : until;
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }

  static boolean has(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** The innermost non-empty message, on one line: the JDK wraps the useful one in empty ones. */
  static String rootMessage(Throwable e) {
    String message = e.getClass().getSimpleName();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
    }
    return message.replaceAll("\\s+", " ").strip();
  }
}
