package railclone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kestra.core.models.flows.FlowSource;
import io.kestra.core.models.validations.ValidateConstraintViolation;
import io.kestra.core.services.FlowService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the test shows 1: every file in flows/ passes Kestra's own flow validation. */
class ValidateFlowsTest {
    @Test
    void everyFlowPassesFlowServiceValidate() throws Exception {
        FlowService flows = KestraEngine.bean(FlowService.class);
        List<Path> files = Fixtures.flowFiles();
        assertEquals(6, files.size(), "flows/ holds six flows");
        for (Path file : files) {
            List<ValidateConstraintViolation> verdicts =
                flows.validate("main", List.of(new FlowSource(file.getFileName().toString(), Files.readString(file))));
            assertEquals(1, verdicts.size());
            ValidateConstraintViolation v = verdicts.get(0);
            assertEquals(null, v.getConstraints(), file + ": " + v.getConstraints());
            assertTrue(v.getWarnings() == null || v.getWarnings().isEmpty(), file + " warnings: " + v.getWarnings());
        }
    }
}
