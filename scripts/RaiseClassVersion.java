// Rewrites the Java 5 class files of a jar as Java 6 ones with stack maps, in place, for
// scripts/class-data-archive.sh: `java scripts/RaiseClassVersion.java JAR`. Needs JDK 24 or later
// (java.lang.classfile).
//
// Why: an AOT cache (JDK 25) leaves out every class older than Java 6, and every class that implements
// one. picocli's are Java 5's, so each start of the CLI loaded its ~200 classes from the jar, and built
// its command model with them, in the interpreter. Java 6 is the oldest version the cache holds. The
// JVM checks the new stack maps like any other (all 228 classes of picocli 4.7.7 pass, on JDK 17 and 25).
// A class the rewrite cannot handle is left as it was; a jar without Java 5 classes is not touched.
import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

public class RaiseClassVersion {
  private static final int JAVA_6 = 50;

  public static void main(String[] args) throws IOException {
    Path jar = Path.of(args[0]);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    int rewritten = 0;
    int kept = 0;
    try (JarFile in = new JarFile(jar.toFile());
        URLClassLoader classes = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      // Stack maps name the common superclass of two types: the JDK's own, or the jar's classes.
      ClassFile classFile = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
          ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
              .orElse(ClassHierarchyResolver.ofResourceParsing(classes))));
      ClassTransform toJava6 = (builder, element) -> {
        if (element instanceof ClassFileVersion) {
          builder.withVersion(JAVA_6, 0);
        } else {
          builder.with(element);
        }
      };
      // Rebuilding every method body is what writes its stack map.
      ClassTransform transform = toJava6.andThen(ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL));
      for (JarEntry entry : in.stream().toList()) {
        byte[] bytes;
        try (InputStream read = in.getInputStream(entry)) {
          bytes = read.readAllBytes();
        }
        if (entry.getName().endsWith(".class") && !entry.getName().endsWith("module-info.class")) {
          ClassModel model = classFile.parse(bytes);
          if (model.majorVersion() < JAVA_6) {
            try {
              bytes = classFile.transformClass(model, transform);
              rewritten++;
            } catch (RuntimeException cannot) {
              kept++;
            }
          }
        }
        entries.put(entry.getName(), bytes);
      }
    }
    if (rewritten == 0) {
      return;
    }
    Path raised = jar.resolveSibling(jar.getFileName() + ".raising");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(raised))) {
      for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
        out.putNextEntry(new JarEntry(entry.getKey()));
        out.write(entry.getValue());
        out.closeEntry();
      }
    }
    Files.move(raised, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    System.err.printf("%s: %d class files raised to Java 6, %d left as they were%n", jar.getFileName(), rewritten, kept);
  }
}
