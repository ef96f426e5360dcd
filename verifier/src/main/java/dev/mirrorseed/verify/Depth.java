package dev.mirrorseed.verify;

/** How far the verifier looks at each blob. */
public enum Depth {
  /**
   * HEAD every blob for its size. Cheap, but a registry answers HEAD from its metadata (distribution
   * stats the stored file), so bytes replaced by others of the same size pass.
   */
  SIZES,
  /** Also GET every blob and hash what is served (constant memory): as slow as pulling the image. */
  CONTENT
}
