package dev.mirrorseed.cli;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import picocli.CommandLine.Option;

/** Whether and where a command serves its metrics for Prometheus to scrape. */
final class MetricsOptions {
  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "Serve Prometheus metrics at http://ADDRESS:PORT/metrics while the command runs (default: off).")
  Integer port;

  @Option(names = "--metrics-address", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "The address --metrics-port listens on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
  String address;

  /** Serves {@code meters} if asked, until closed; the address goes to {@code out}. */
  MetricsEndpoint open(CompositeMeterRegistry meters, PrintWriter out) {
    if (port == null) {
      return MetricsEndpoint.none();
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--metrics-port must be a port number (0-65535), got " + port);
    }
    InetAddress bind;
    try {
      bind = InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--metrics-address " + address + " is not an address of this machine", e);
    }
    MetricsEndpoint endpoint = MetricsEndpoint.serve(meters, bind, port);
    out.println("metrics at " + endpoint.url());
    out.flush();
    return endpoint;
  }
}
