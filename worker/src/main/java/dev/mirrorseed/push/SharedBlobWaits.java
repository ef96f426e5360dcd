package dev.mirrorseed.push;

/**
 * Told when a push starts and stops waiting for a blob that a worker of another process is sending
 * (once per blob, so the calls of one push may overlap): its worker may start another push meanwhile.
 */
public interface SharedBlobWaits {
  SharedBlobWaits NONE = new SharedBlobWaits() {
    @Override
    public void started() {}

    @Override
    public void ended() {}
  };

  void started();

  void ended();
}
