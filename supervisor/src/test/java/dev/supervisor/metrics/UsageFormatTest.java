package dev.supervisor.metrics;

import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** UsageFormat prints without String.format; these hold it to String.format's digits (half-up %.1f). */
class UsageFormatTest {
    private static String formatCpu(double p) {
        return p >= 100 || p == Math.rint(p) ? Math.round(p) + "%" : String.format(Locale.ROOT, "%.1f%%", p);
    }

    private static String formatMemory(long b) {
        if (b < 1 << 20) {
            return (b >> 10) + "kb";
        }
        if (b < 1L << 30) {
            return String.format(Locale.ROOT, "%.1fmb", b / (double) (1 << 20));
        }
        return String.format(Locale.ROOT, "%.1fgb", b / (double) (1L << 30));
    }

    @Test
    void cpuAsPm2PrintsIt() {
        assertThat(UsageFormat.cpu(0)).isEqualTo("0%");
        assertThat(UsageFormat.cpu(12.5)).isEqualTo("12.5%");
        assertThat(UsageFormat.cpu(0.05)).isEqualTo("0.1%");
        assertThat(UsageFormat.cpu(0.0001)).isEqualTo("0.0%");
        assertThat(UsageFormat.cpu(99.96)).isEqualTo("100.0%");
        assertThat(UsageFormat.cpu(101.4)).isEqualTo("101%");
    }

    @Test
    void cpuMatchesStringFormatEverywhere() {
        for (int k = 0; k <= 20_000; k++) {
            for (double p : new double[]{k / 10.0, k / 100.0, k / 1000.0, k / 200.0 + 0.0000001}) {
                assertThat(UsageFormat.cpu(p)).as("cpu %s", p).isEqualTo(formatCpu(p));
            }
        }
        SplittableRandom r = new SplittableRandom(11);
        for (int k = 0; k < 200_000; k++) {
            double p = r.nextDouble() * (k % 2 == 0 ? 100 : 1);
            assertThat(UsageFormat.cpu(p)).as("cpu %s", p).isEqualTo(formatCpu(p));
        }
        assertThat(UsageFormat.cpu(-1.5)).isEqualTo(formatCpu(-1.5));
    }

    @Test
    void memoryMatchesStringFormatEverywhere() {
        assertThat(UsageFormat.memory(812 * 1024)).isEqualTo("812kb");
        assertThat(UsageFormat.memory(47_395_635)).isEqualTo("45.2mb");
        assertThat(UsageFormat.memory((long) (1.25 * (1L << 30)))).isEqualTo("1.3gb");
        SplittableRandom r = new SplittableRandom(7);
        for (int k = 0; k < 200_000; k++) {
            long b = switch (k % 4) {
                case 0 -> r.nextLong(1L << 20, 1L << 30);
                case 1 -> r.nextLong(1L << 30, 1L << 45);
                case 2 -> r.nextLong(0, 1L << 20);
                default -> (r.nextLong(1, 100_000) << 20) / 20 + r.nextInt(-2, 3); // near the .x5 boundaries
            };
            assertThat(UsageFormat.memory(b)).as("memory %s", b).isEqualTo(formatMemory(b));
        }
        for (long b : new long[]{1L << 20, (1L << 30) - 1, 1L << 30, 1L << 58, (1L << 58) + 1, Long.MAX_VALUE}) {
            assertThat(UsageFormat.memory(b)).as("memory %s", b).isEqualTo(formatMemory(b));
        }
    }
}
