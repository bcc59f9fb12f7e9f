package io.kestra.plugin.scripts.node;

import io.kestra.core.exceptions.IllegalVariableEvaluationException;
import io.kestra.core.models.annotations.Plugin;
import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.RunnableTask;
import io.kestra.core.models.tasks.runners.TargetOS;
import io.kestra.core.runners.RunContext;
import io.kestra.plugin.scripts.exec.AbstractExecScript;
import io.kestra.plugin.scripts.exec.scripts.models.DockerOptions;
import io.kestra.plugin.scripts.exec.scripts.models.ScriptOutput;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * TEST ONLY, never shipped: stands in for the plugin io.kestra.plugin:plugin-script-node, which the
 * registry here does not serve. Same type name and exactly the same properties as that plugin's
 * {@code Commands} in version 1.9.x (kestra-io/plugin-scripts, file
 * plugin-script-node/src/main/java/io/kestra/plugin/scripts/node/Commands.java, version 1.9.9-SNAPSHOT on
 * the main branch, built against Kestra 1.3.19): everything of {@link AbstractExecScript} plus
 * {@code containerImage} (default "node") and {@code commands} (required). So a flow that validates here
 * names no property the real plugin lacks. Written from that description, not copied.
 */
@Plugin
public class Commands extends AbstractExecScript implements RunnableTask<ScriptOutput> {
    protected Property<String> containerImage = Property.ofValue("node");

    @NotNull
    protected Property<List<String>> commands;

    public Commands() {
        super();
    }

    @Override
    public Property<String> getContainerImage() {
        return containerImage;
    }

    public Property<List<String>> getCommands() {
        return commands;
    }

    @Override
    protected DockerOptions injectDefaults(RunContext runContext, DockerOptions original)
        throws IllegalVariableEvaluationException {
        if (original.getImage() != null) return original;
        return original.toBuilder().image(runContext.render(containerImage).as(String.class).orElse(null)).build();
    }

    @Override
    public ScriptOutput run(RunContext runContext) throws Exception {
        TargetOS os = runContext.render(this.targetOS).as(TargetOS.class).orElse(null);
        return this.commands(runContext)
            .withInterpreter(this.interpreter)
            .withBeforeCommands(this.beforeCommands)
            .withBeforeCommandsWithOptions(true)
            .withCommands(this.commands)
            .withTargetOS(os)
            .run();
    }
}
