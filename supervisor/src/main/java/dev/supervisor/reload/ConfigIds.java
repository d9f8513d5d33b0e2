package dev.supervisor.reload;

import dev.supervisor.config.AppConfig;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A short, stable name for an app config, to say which config each instance runs (the instance count aside). */
public final class ConfigIds {
    private ConfigIds() {
    }

    public static String of(AppConfig config) {
        String spec = config.spec().replaceAll("\"instances\"\\s*:\\s*-?\\d+\\s*,?", "");
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((spec + "|" + new java.util.TreeMap<>(config.env()) + "|" + config.command())
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
