package dev.metricsgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.Main;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --help} of the packaged jar's commands: exit 0 and every option mentioned, both the
 * options the contract names and every option the command actually declares.
 */
class CommandHelpIT {

    @TempDir
    Path workDir;

    private final JarProcesses children = new JarProcesses();

    @AfterEach
    void killChildren() {
        children.destroyAll();
    }

    private static CommandSpec declared(String... path) {
        CommandLine command = new CommandLine(new Main());
        for (String name : path) {
            command = command.getSubcommands().get(name);
        }
        return command.getCommandSpec();
    }

    private static List<String> declaredOptionNames(CommandSpec spec) {
        return spec.options().stream().map(OptionSpec::longestName).toList();
    }

    private JarProcesses.Completed help(String... command) {
        String[] args = new String[command.length + 1];
        System.arraycopy(command, 0, args, 0, command.length);
        args[command.length] = "--help";
        JarProcesses.Completed run = children.run(workDir, Map.of(), args);
        assertThat(run.exitCode()).as(run.describe()).isZero();
        return run;
    }

    @Test
    void serveHelpExitsZeroAndMentionsEveryOption() {
        JarProcesses.Completed run = help("serve");

        assertThat(run.stdout()).contains("--config", "--port", "--data-dir", "--help", "--version");
        assertThat(run.stdout()).contains(declaredOptionNames(declared("serve")));
    }

    @Test
    void serviceAccountCreateHelpExitsZeroAndMentionsEveryOptionAndRole() {
        JarProcesses.Completed run = help("service-account", "create");

        assertThat(run.stdout()).contains("--name", "--description", "--role", "--data-dir", "--help", "--version");
        assertThat(run.stdout()).contains(declaredOptionNames(declared("service-account", "create")));
        assertThat(run.stdout()).contains("admin", "event-writer", "metrics-reader");
    }

    @Test
    void serviceAccountListAndDeleteHelpExitZeroAndMentionEveryOption() {
        assertThat(help("service-account", "list").stdout())
                .contains("--data-dir")
                .contains(declaredOptionNames(declared("service-account", "list")));
        assertThat(help("service-account", "delete").stdout())
                .contains("--id", "--data-dir")
                .contains(declaredOptionNames(declared("service-account", "delete")));
    }

    @Test
    void topLevelHelpNamesBothCommands() {
        assertThat(help().stdout()).contains("serve", "service-account");
    }
}
