package dev.supervisor.god;

import dev.supervisor.reload.ReloadPipeline;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SUPERVISOR_RELOAD_NICE: how much lower a reload's new instances start; a bad value names the variable. */
class ReloadNiceSettingTest {
    @Test
    void unsetMeansTheDefaultAndANumberIsTaken() {
        // Off by default: measured, a lower priority did not lower the front's p99 during a reload.
        assertThat(ReloadPipeline.CANDIDATE_NICE).isZero();
        assertThat(God.candidateNice(null)).isEqualTo(ReloadPipeline.CANDIDATE_NICE);
        assertThat(God.candidateNice(" ")).isEqualTo(ReloadPipeline.CANDIDATE_NICE);
        assertThat(God.candidateNice("0")).isZero();
        assertThat(God.candidateNice(" 19 ")).isEqualTo(19);
    }

    @Test
    void aValueOutsideZeroToNineteenIsRefusedNamingTheVariable() {
        for (String bad : new String[] {"-1", "20", "ten"}) {
            assertThatThrownBy(() -> God.candidateNice(bad)).isInstanceOf(SupervisorException.class)
                    .hasMessageContaining("SUPERVISOR_RELOAD_NICE='" + bad + "'").hasMessageContaining("0..19");
        }
        assertThatThrownBy(() -> new ReloadPipeline(Runnable::run, 20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0..19");
    }
}
