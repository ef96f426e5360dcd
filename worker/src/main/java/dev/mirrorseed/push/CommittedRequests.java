package dev.mirrorseed.push;

import dev.mirrorseed.events.RequestOffset;

/**
 * Whether the worker group has committed a request: its push is over, pushed or failed, and its result
 * written. A push waiting for a blob that an earlier image of another process puts in place asks it, to
 * wait exactly as long as that image's push runs.
 */
public interface CommittedRequests {
  /** For a process that pushes alone: it waits for no shared blob, so nothing asks. */
  CommittedRequests NONE = request -> false;

  boolean isCommitted(RequestOffset request);
}
