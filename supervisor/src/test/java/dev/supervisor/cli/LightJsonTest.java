package dev.supervisor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The light entry's JSON reader: what Jolokia sends, read as Jackson reads it, and anything malformed refused. */
class LightJsonTest {
    @Test
    void readsWhatJolokiaSends() {
        Object v = LightJson.parse(" [{\"value\":[{\"id\":0,\"name\":\"w\\u00e9b \\\"x\\\"\\n\",\"cpuPercent\":12.5,"
                + "\"pid\":-3,\"big\":12345678901234567890,\"e\":1e3,\"ok\":true,\"no\":false,\"n\":null}],\"status\":200},"
                + "{\"value\":\"ok\",\"status\":200}] ");
        List<?> list = (List<?>) v;
        Map<?, ?> first = (Map<?, ?>) list.get(0);
        Map<?, ?> row = (Map<?, ?>) ((List<?>) first.get("value")).get(0);
        assertThat(first.get("status")).isEqualTo(200L);
        assertThat(row.get("id")).isEqualTo(0L);
        assertThat(row.get("name")).isEqualTo("wéb \"x\"\n");
        assertThat(row.get("cpuPercent")).isEqualTo(12.5);
        assertThat(row.get("pid")).isEqualTo(-3L);
        assertThat(row.get("big")).isEqualTo(1.2345678901234567E19);
        assertThat(row.get("e")).isEqualTo(1000.0);
        assertThat(row.get("ok")).isEqualTo(true);
        assertThat(row.get("no")).isEqualTo(false);
        assertThat(row.get("n")).isSameAs(LightJson.NULL);
        assertThat(((Map<?, ?>) list.get(1)).get("value")).isEqualTo("ok");
        assertThat(LightJson.parse("[]")).isEqualTo(List.of());
        assertThat(LightJson.parse("{}")).isEqualTo(Map.of());
    }

    @Test
    void stringsDecodeAsJacksonDecodesThem() throws Exception {
        ObjectMapper jackson = new ObjectMapper();
        for (String s : new String[]{"", "plain", "tab\there", "\\/\"", "\u0001\u001f", "日本語 ↺", "😀 emoji", "a\u2028b"}) {
            String json = jackson.writeValueAsString(s);
            assertThat(LightJson.parse(json)).as(json).isEqualTo(s);
        }
        assertThat(LightJson.parse("\"\\ud83d\\ude00\"")).isEqualTo("😀");
    }

    @Test
    void writesWhatItReadAsJacksonWritesItMembersInTheirOrder() throws Exception {
        ObjectMapper jackson = new ObjectMapper();
        String[] answers = {
            "[{\"zeta\":1,\"alpha\":-2,\"mid\":{\"b\":[],\"a\":{}},\"cpu\":0.0,\"p\":12.5,\"e\":1e3,\"tiny\":1.0E-7}]",
            "[{\"name\":\"w\\u00e9b \\\"x\\\"\\n\\t\\u0001 / \\\\ 😀\",\"ok\":true,\"no\":false,\"n\":null,"
                + "\"created\":1796234360361,\"list\":[1,\"two\",[3.25],null]}]",
            "[]", "{}", "\"just a string\"", "-0.5"};
        for (String answer : answers) {
            StringBuilder b = new StringBuilder();
            LightJson.write(b, LightJson.parse(answer));
            assertThat(b.toString()).as(answer).isEqualTo(jackson.writeValueAsString(jackson.readTree(answer)));
        }
    }

    @Test
    void refusesWhatIsNotJson() {
        for (String bad : new String[]{"", "[", "[1,]", "{\"a\"1}", "{\"a\":1,}", "01", "1.", "-", ".5", "1e",
                "[1] x", "\"open", "\"bad \\x escape\"", "\"\\u12\"", "tru", "nul", "{a:1}", "'x'",
                "\"raw\nnewline\"", "[1 2]", "NaN"}) {
            assertThatThrownBy(() -> LightJson.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
