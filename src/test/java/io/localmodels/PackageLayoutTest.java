package io.localmodels;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layout README's "Layout" section describes, kept true by the build: no package cycles (between the
 * feature packages, and between the API's protocol packages), and the domain never reaching into the API
 * layer or the HTTP and WebSocket machinery the API is built on.
 */
class PackageLayoutTest {

    private static JavaClasses service;

    @BeforeAll
    static void importServiceClasses() {
        service = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.localmodels");
        assertTrue(service.size() > 200, "the service's classes were found: " + service.size());
    }

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("io.localmodels.(*)..").should().beFreeOfCycles().check(service);
    }

    @Test
    void protocolPackagesHaveNoCycles() {
        slices().matching("io.localmodels.api.(*)..").should().beFreeOfCycles().check(service);
    }

    @Test
    void theDomainKnowsNothingOfTheApi() {
        noClasses().that().resideOutsideOfPackages("io.localmodels.api..", "io.localmodels")
                .should().dependOnClassesThat().resideInAnyPackage("io.localmodels.api..")
                .check(service);
    }

    @Test
    void theDomainSpeaksNoHttpOrWebSocket() {
        noClasses().that().resideOutsideOfPackages("io.localmodels.api..", "io.localmodels")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.ws.rs..", "io.quarkus.websockets..",
                        "io.vertx.ext.web..", "org.jboss.resteasy..")
                .check(service);
    }
}
