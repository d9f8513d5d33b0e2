package dev.supervisor.management.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class JsonShapeTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static java.util.Optional<String> problem(String json, int depth, int values, int bulk) {
        byte[] bytes = b(json);
        return JsonShape.problem(bytes, bytes.length, depth, values, bulk);
    }

    @Test
    void aBodyWithinTheLimitsHasNoProblem() {
        assertThat(problem("{\"type\":\"read\",\"mbean\":\"a:b=c\"}", 4, 10, 10)).isEmpty();
    }

    @Test
    void nestingDeeperThanTheLimitIsNamedWithItsPosition() {
        assertThat(problem("[[[[1]]]]", 3, 100, 100)).get().asString()
                .contains("nested deeper than 3 levels").contains("at byte 3").contains("maxJsonDepth");
    }

    @Test
    void tooManyValuesAreRefused() {
        assertThat(problem("{\"a\":[1,2,3,4,5,6]}", 10, 4, 100)).get().asString()
                .contains("more than 4 values").contains("maxJsonValues");
    }

    @Test
    void aBulkListLongerThanTheLimitIsRefusedButANestedListIsNotABulk() {
        assertThat(problem("[{},{},{}]", 10, 100, 2)).get().asString().contains("more than 2 requests");
        assertThat(problem("{\"arguments\":[1,2,3]}", 10, 100, 2)).isEmpty();
    }

    @Test
    void bracketsAndCommasInsideStringsDoNotCount() {
        String json = "[{\"a\":\"[[,,\\\"]]\"}, {\"b\":\",\"}]";
        byte[] bytes = b(json);
        assertThat(JsonShape.bulkSize(bytes, bytes.length)).isEqualTo(2);
        assertThat(problem(json, 2, 100, 100)).isEmpty();
    }

    @Test
    void bulkSizeCountsTopLevelEntriesAndIsOneForAnObject() {
        byte[] bulk = b(" [ {\"x\":[1,2]}, {}, {} ]");
        byte[] single = b("{\"x\":[1,2,3]}");
        assertThat(JsonShape.bulkSize(bulk, bulk.length)).isEqualTo(3);
        assertThat(JsonShape.bulkSize(single, single.length)).isEqualTo(1);
    }
}
