package dev.mirrorseed.cli;

/** What the process exit status means, so scripts can tell a bad bundle from a down registry. */
enum ExitCode {
  /** Every image is verified on the mirror. */
  OK(0),
  /** The run finished, but at least one image failed to push or verify. */
  IMAGES_FAILED(1),
  /** check-node: a registry that must be mirrored is not, or containerd refuses the registry config. */
  NOT_MIRRORED(1),
  /** The command line or the bundle is wrong; fix the input and rerun. */
  BAD_INPUT(2),
  /** Kafka or the registry could not be reached; nothing about the input is known to be wrong. */
  UNREACHABLE(3),
  /** A bug or an unexpected state; the message says what. */
  INTERNAL(4);

  final int code;

  ExitCode(int code) {
    this.code = code;
  }
}
