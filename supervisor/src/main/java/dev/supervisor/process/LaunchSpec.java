package dev.supervisor.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Everything needed to spawn one instance: the command, where, and the environment to add. */
public record LaunchSpec(List<String> command, Path cwd, Map<String, String> env) {
    public LaunchSpec {
        command = List.copyOf(command);
        env = Map.copyOf(env);
    }
}
