package dev.mirrorseed.bundle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tukaani.xz.SeekableFileInputStream;
import org.tukaani.xz.SeekableXZInputStream;

/**
 * Where the blocks of an xz file lie and how big they are, in file order, as the indexes at the end of
 * its streams tell: what lets each block be decoded on its own. Concatenated streams and stream
 * padding are read through: their blocks are numbered on.
 *
 * @param blocks every block of every stream, in file order
 */
record XzBlocks(List<Block> blocks) {

  /**
   * One block.
   *
   * @param number its number across the whole file, as {@link SeekableXZInputStream#seekToBlock} takes it
   * @param offset where its header starts in the file
   * @param compressedBytes header, compressed data, padding and check
   * @param bytes what it decompresses to
   */
  record Block(int number, long offset, long compressedBytes, long bytes) {
    long end() {
      return offset + compressedBytes;
    }
  }

  XzBlocks {
    blocks = List.copyOf(blocks);
  }

  /**
   * The blocks of {@code file}, from its indexes alone (a few kilobytes at its end).
   *
   * @throws IOException when the file ends in no valid xz index: it is truncated, damaged or no xz
   */
  static XzBlocks read(Path file) throws IOException {
    try (SeekableXZInputStream xz = new SeekableXZInputStream(new SeekableFileInputStream(file.toFile()))) {
      List<Block> blocks = new ArrayList<>(xz.getBlockCount());
      for (int i = 0; i < xz.getBlockCount(); i++) {
        blocks.add(new Block(i, xz.getBlockCompPos(i), xz.getBlockCompSize(i), xz.getBlockSize(i)));
      }
      return new XzBlocks(blocks);
    }
  }

  int count() {
    return blocks.size();
  }

  Block get(int number) {
    return blocks.get(number);
  }

  long largestBytes() {
    return blocks.stream().mapToLong(Block::bytes).max().orElse(0);
  }

  long largestCompressedBytes() {
    return blocks.stream().mapToLong(Block::compressedBytes).max().orElse(0);
  }

  /** Compressed bytes per decoded byte over the whole file: near 1 for data xz could only store. */
  double compressedShare() {
    long bytes = blocks.stream().mapToLong(Block::bytes).sum();
    long compressed = blocks.stream().mapToLong(Block::compressedBytes).sum();
    return bytes == 0 ? 1 : (double) compressed / bytes;
  }

  /** Whether each block has content and starts after the one before: what an index of a sound file says. */
  boolean isOrdered() {
    for (int i = 0; i < blocks.size(); i++) {
      Block block = blocks.get(i);
      if (block.bytes() <= 0 || block.compressedBytes() <= 0 || (i > 0 && block.offset() < blocks.get(i - 1).end())) {
        return false;
      }
    }
    return true;
  }
}
