package dev.metricsgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RoleTest {

    @Test
    void wireNamesAreTheContractNames() {
        assertThat(Role.METRICS_READER.wireName()).isEqualTo("metrics-reader");
        assertThat(Role.EVENT_WRITER.wireName()).isEqualTo("event-writer");
        assertThat(Role.ADMIN.wireName()).isEqualTo("admin");
    }

    @Test
    void parseAcceptsWireNamesIgnoringCaseAndBlanks() {
        assertThat(Role.parse("metrics-reader")).isEqualTo(Role.METRICS_READER);
        assertThat(Role.parse(" Event-Writer ")).isEqualTo(Role.EVENT_WRITER);
        assertThat(Role.parse("ADMIN")).isEqualTo(Role.ADMIN);
    }

    @Test
    void parseRejectsAnUnknownRoleNamingItAndTheValidOnes() {
        assertThatThrownBy(() -> Role.parse("superuser"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("superuser")
                .hasMessageContaining("metrics-reader, event-writer, admin");
    }

    @Test
    void parseRejectsEnumConstantNames() {
        assertThatThrownBy(() -> Role.parse("METRICS_READER")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void adminImpliesEveryRole() {
        for (Role role : Role.values()) {
            assertThat(Role.ADMIN.implies(role)).as(role.wireName()).isTrue();
        }
    }

    @Test
    void otherRolesImplyOnlyThemselves() {
        assertThat(Role.METRICS_READER.implies(Role.METRICS_READER)).isTrue();
        assertThat(Role.METRICS_READER.implies(Role.EVENT_WRITER)).isFalse();
        assertThat(Role.EVENT_WRITER.implies(Role.ADMIN)).isFalse();
    }
}
