package org.veil.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * One name a caller answers to as a share's audience: its subject (and, where shares store users
 * as given, its user name), each group it is in, its organisation, its OAuth client ({@code azp}).
 * A share names the caller when its audience is one of these.
 */
public record Audience(Share.AudienceType type, String value) {

    public static List<Audience> of(Caller caller, boolean usersByName) {
        List<Audience> names = new ArrayList<>();
        add(names, Share.AudienceType.USER, caller.subject());
        if (usersByName && caller.username() != null && !caller.username().equals(caller.subject())) {
            add(names, Share.AudienceType.USER, caller.username());
        }
        caller.groups().stream().sorted().forEach(g -> add(names, Share.AudienceType.GROUP, g));
        caller.organisation().ifPresent(o -> add(names, Share.AudienceType.ORGANISATION, o));
        add(names, Share.AudienceType.CLIENT, caller.clientId());
        return List.copyOf(names);
    }

    private static void add(List<Audience> names, Share.AudienceType type, String value) {
        if (value != null && !value.isEmpty()) {
            names.add(new Audience(type, value));
        }
    }
}
