package org.uwsgi4j.kernel;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kernel's package graph as docs/architecture.md draws it, checked on the compiled main
 * classes: no package cycle, {@code net} serves clients without knowing the worker protocol,
 * {@code protocol} parses and frames bytes without sockets or processes, and the exported
 * {@code api} depends on nothing inside the kernel.
 */
class ArchitectureTest {

    private static final String KERNEL = "org.uwsgi4j.kernel";
    private static JavaClasses classes;

    @BeforeAll
    static void importKernel() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(KERNEL);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching(KERNEL + ".(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void netKnowsNothingOfWorkers() {
        noClasses().that().resideInAPackage(KERNEL + ".net..")
                .should().dependOnClassesThat().resideInAPackage(KERNEL + ".worker..")
                .check(classes);
    }

    @Test
    void protocolDoesNoIoAndKnowsNoLayerAboveIt() {
        noClasses().that().resideInAPackage(KERNEL + ".protocol..")
                .should().dependOnClassesThat().resideInAnyPackage(KERNEL + ".net..", KERNEL + ".worker..",
                        KERNEL + ".dispatch..", KERNEL + ".boot..", "java.nio.channels..", "java.net..")
                .check(classes);
    }

    @Test
    void apiDependsOnNothingInsideTheKernel() {
        noClasses().that().resideInAPackage(KERNEL + ".api..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        KERNEL + ".boot..", KERNEL + ".config..", KERNEL + ".net..", KERNEL + ".protocol..",
                        KERNEL + ".dispatch..", KERNEL + ".worker..", KERNEL + ".log..", KERNEL + ".stats..",
                        KERNEL + ".shell..", KERNEL + ".plugin..", KERNEL + ".cheaper..", KERNEL + ".os..")
                .check(classes);
    }
}
