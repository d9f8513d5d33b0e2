package dev.supervisor.logs;

import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogDateFormatTest {
    private static final ZonedDateTime T = ZonedDateTime.of(2026, 3, 7, 9, 5, 4, 123_000_000, ZoneOffset.ofHours(2));

    @Test
    void momentPatternsAsPm2UsersWriteThem() {
        assertThat(LogDateFormat.parse("YYYY-MM-DD HH:mm Z").format(T)).isEqualTo("2026-03-07 09:05 +02:00");
        assertThat(LogDateFormat.parse("YYYY-MM-DD HH:mm:ss.SSS").format(T)).isEqualTo("2026-03-07 09:05:04.123");
        assertThat(LogDateFormat.parse("YYYY-MM-DDTHH:mm:ssZZ").format(T)).isEqualTo("2026-03-07T09:05:04+0200");
        assertThat(LogDateFormat.parse("DD/MM/YY [at] h:mm A").format(T)).isEqualTo("07/03/26 at 9:05 AM");
    }

    @Test
    void javaPatternsPassThrough() {
        assertThat(LogDateFormat.parse("yyyy-MM-dd HH:mm:ss Z").format(T)).isEqualTo("2026-03-07 09:05:04 +0200");
        assertThat(LogDateFormat.parse("HH:mm:ss").format(T)).isEqualTo("09:05:04");
    }

    @Test
    void anInvalidPatternIsNamedInTheError() {
        assertThatThrownBy(() -> LogDateFormat.parse("yyyy-MM-dd {"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("log_date_format 'yyyy-MM-dd {'");
    }
}
