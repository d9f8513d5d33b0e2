package dev.supervisor.config;

import java.util.List;

/** The apps of one file or request, validated, and the warnings to show the user once (ignored fields, missing env_X). */
public record LoadedApps(List<AppConfig> apps, List<String> warnings) {
    public LoadedApps {
        apps = List.copyOf(apps);
        warnings = List.copyOf(warnings);
    }
}
