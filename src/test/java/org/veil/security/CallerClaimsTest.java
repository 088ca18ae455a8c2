package org.veil.security;

import org.veil.policy.Caller;
import org.veil.policy.Purpose;
import org.veil.policy.PurposeDecision;
import org.veil.policy.Role;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CallerClaimsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static CallerClaims.Result read(String claims) throws Exception {
        JsonNode node = JSON.readTree(claims.replace('\'', '"'));
        return CallerClaims.read(node, CallerClaims.Settings.KEYCLOAK, PurposeRules.defaults());
    }

    private static Caller caller(String claims) throws Exception {
        CallerClaims.Result r = read(claims);
        assertThat(r).isInstanceOf(CallerClaims.Result.Identified.class);
        return ((CallerClaims.Result.Identified) r).caller();
    }

    @Test
    void scopeStyleTokenMakesACaller() throws Exception {
        Caller c = caller("{'sub':'u-1','preferred_username':'clinician','azp':'veil-cli','scope':'openid profile purpose:treatment',"
                + "'realm_access':{'roles':['clinician','offline_access']},'groups':['/cardiology'],'organisation':'St Mary'}");
        assertThat(c.subject()).isEqualTo("u-1");
        assertThat(c.username()).isEqualTo("clinician");
        assertThat(c.roles()).containsExactly(Role.CLINICIAN);
        assertThat(c.grantedPurpose()).contains(Purpose.TREATMENT);
        assertThat(c.clientId()).isEqualTo("veil-cli");
        assertThat(c.organisation()).contains("St Mary");
        assertThat(c.groups()).containsExactly("/cardiology");
    }

    /** With clients listed, a token of another client (or of none) makes no caller. */
    @Test
    void onlyListedClientsMakeACallerWhenClientsAreListed() throws Exception {
        CallerClaims.Settings listed = new CallerClaims.Settings(CallerClaims.Settings.KEYCLOAK.roleClaimPaths(), "organisation",
                java.util.Optional.of(java.util.Set.of("veil-viewer")));
        String base = "'sub':'u-9','realm_access':{'roles':['researcher']},'scope':'purpose:research'";
        for (String client : new String[] {"'azp':'veil-cli',", "'client_id':'veil-cli',", ""}) {
            JsonNode claims = JSON.readTree(("{" + client + base + "}").replace('\'', '"'));
            assertThat(CallerClaims.read(claims, listed, PurposeRules.defaults())).as(client)
                    .isInstanceOf(CallerClaims.Result.Unidentified.class);
        }
        JsonNode viewer = JSON.readTree(("{'azp':'veil-viewer'," + base + "}").replace('\'', '"'));
        assertThat(CallerClaims.read(viewer, listed, PurposeRules.defaults())).isInstanceOf(CallerClaims.Result.Identified.class);
        assertThat(read("{'azp':'veil-cli'," + base + "}")).as("none listed: any client").isInstanceOf(CallerClaims.Result.Identified.class);
    }

    /** RFC 9068 access tokens name their client in client_id; a provider may send no azp at all. */
    @Test
    void theClientIsAzpElseClientIdElseNone() throws Exception {
        String base = "'sub':'u-3','realm_access':{'roles':['clinician']}";
        assertThat(caller("{" + base + ",'azp':'veil-cli','client_id':'other'}").clientId()).isEqualTo("veil-cli");
        assertThat(caller("{" + base + ",'client_id':'partner-portal'}").clientId()).isEqualTo("partner-portal");
        assertThat(caller("{" + base + "}").clientId()).isEmpty();
    }

    @Test
    void iuaStyleTokenMakesACaller() throws Exception {
        Caller c = caller("{'sub':'u-2','azp':'partner-portal','resource_access':{'veil-server':{'roles':['consultant']}},"
                + "'extensions':{'ihe_iua':{'subject_name':'Dr Who','purpose_of_use':"
                + "{'system':'urn:veil:purpose-of-use','code':'CONSULT'}}}}");
        assertThat(c.roles()).containsExactly(Role.CONSULTANT);
        assertThat(c.grantedPurpose()).contains(Purpose.CONSULTATION);
        assertThat(c.username()).isEqualTo("u-2");
        assertThat(c.organisation()).isEmpty();
    }

    @Test
    void iuaCodingListAndScopeNamingTheSamePurposeAreOnePurpose() throws Exception {
        Caller c = caller("{'sub':'u-3','scope':'purpose:research','realm_access':{'roles':['researcher']},"
                + "'extensions':{'ihe_iua':{'purpose_of_use':[{'system':'urn:oid:2.16.840.1.113883.5.8','code':'HRESCH'}]}}}");
        assertThat(c.grantedPurpose()).contains(Purpose.RESEARCH);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "two purposes | {'sub':'u','scope':'purpose:treatment purpose:research','realm_access':{'roles':['clinician']}} | exactly one purpose",
            "scope and IUA disagree | {'sub':'u','scope':'purpose:treatment','realm_access':{'roles':['clinician']},'extensions':{'ihe_iua':{'purpose_of_use':{'system':'http://terminology.hl7.org/CodeSystem/v3-ActReason','code':'TRAIN'}}}} | exactly one purpose",
            "purpose the role may not claim | {'sub':'u','scope':'purpose:treatment','realm_access':{'roles':['consultant']}} | may not claim",
            "no roles | {'sub':'u','scope':'purpose:treatment'} | may not claim",
            "unknown purpose scope | {'sub':'u','scope':'purpose:curiosity','realm_access':{'roles':['clinician']}} | does not know (known: purpose:treatment",
            "unknown beside a known one | {'sub':'u','scope':'purpose:treatment purpose:curiosity','realm_access':{'roles':['clinician']}} | does not know",
            "unknown IUA code | {'sub':'u','realm_access':{'roles':['clinician']},'extensions':{'ihe_iua':{'purpose_of_use':{'system':'x','code':'TREAT'}}}} | not a purpose of use Veil knows",
    })
    void purposeRefusalsNameTheRule(String name, String claims, String reason) throws Exception {
        PurposeDecision d = caller(claims).purpose();
        assertThat(d).isInstanceOf(PurposeDecision.Refused.class);
        assertThat(((PurposeDecision.Refused) d).reason()).contains(reason);
    }

    @Test
    void noPurposeIsAbsentRatherThanRefused() throws Exception {
        PurposeDecision d = caller("{'sub':'u','scope':'openid','realm_access':{'roles':['clinician']}}").purpose();
        assertThat(d).isInstanceOf(PurposeDecision.Absent.class);
        assertThat(((PurposeDecision.Absent) d).reason()).contains("names no purpose");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no subject | {'scope':'purpose:treatment','realm_access':{'roles':['clinician']}} | no subject",
    })
    void tokensThatNameNoOneMakeNoCaller(String name, String claims, String reason) throws Exception {
        CallerClaims.Result r = read(claims);
        assertThat(r).isInstanceOf(CallerClaims.Result.Unidentified.class);
        assertThat(((CallerClaims.Result.Unidentified) r).reason()).contains(reason);
    }

    @Test
    void unknownRolesAreIgnored() throws Exception {
        Caller c = caller("{'sub':'u','realm_access':{'roles':['default-roles-veil','uploader','superuser']}}");
        assertThat(c.roles()).isEqualTo(Set.of(Role.UPLOADER));
        assertThat(c.grantedPurpose()).isEqualTo(Optional.empty());
    }
}
