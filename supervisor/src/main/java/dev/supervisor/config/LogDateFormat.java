package dev.supervisor.config;

/** pm2 users write moment.js date formats ("YYYY-MM-DD HH:mm:ss Z"); java.time wants "yyyy-MM-dd HH:mm:ss Z". */
public final class LogDateFormat {
    private LogDateFormat() {
    }

    public static String toJavaPattern(String format) {
        return format.replace("YYYY", "yyyy").replace("YY", "yy").replace("DD", "dd").replace("Do", "d");
    }
}
