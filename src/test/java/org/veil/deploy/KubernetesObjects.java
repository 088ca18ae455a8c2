package org.veil.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * YAML documents as fabric8's typed Kubernetes model, refusing anything the model does not know:
 * a kind without a typed class, or a field the class does not have (fabric8 keeps those in
 * "additional properties", which must stay empty everywhere in the tree).
 */
final class KubernetesObjects {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private KubernetesObjects() {
    }

    static List<HasMetadata> parse(String yaml) throws Exception {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                continue;
            }
            KubernetesResource r = YAML.readValue(doc, KubernetesResource.class);
            if (r instanceof GenericKubernetesResource g) {
                throw new AssertionError("no typed model for " + g.getApiVersion() + "/" + g.getKind());
            }
            List<String> unknown = new ArrayList<>();
            unknownFields(r, r.getClass().getSimpleName(), unknown);
            if (!unknown.isEmpty()) {
                throw new AssertionError("fields the Kubernetes model does not know: " + unknown);
            }
            out.add((HasMetadata) r);
        }
        return out;
    }

    private static void unknownFields(Object o, String path, List<String> unknown) throws Exception {
        if (o == null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), unknown);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value = m.invoke(o);
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + " " + extra.keySet());
                }
            } else {
                unknownFields(value, path + "." + m.getName().substring(3), unknown);
            }
        }
    }
}
