package io.upone.cli;

/**
 * Ends a followed stream cleanly on Ctrl-C or SIGTERM: the hook closes the stream, the reading
 * loop sees it as an end (not a failure), and output already printed stays whole.
 */
final class StopOnSignal implements AutoCloseable {
  private final Thread hook;

  private StopOnSignal(Thread hook) {
    this.hook = hook;
  }

  static StopOnSignal install(Api.Streams streams, boolean active) {
    if (!active) return new StopOnSignal(null);
    Thread hook = new Thread(streams::close, "upone-cli-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    return new StopOnSignal(hook);
  }

  @Override
  public void close() {
    if (hook == null) return;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is already stopping: the hook runs or ran
    }
  }
}
