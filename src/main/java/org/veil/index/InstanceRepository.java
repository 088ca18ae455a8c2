package org.veil.index;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Instance look-ups for retrieval, in a stable order: series number, instance number, id. */
@ApplicationScoped
public class InstanceRepository implements PanacheRepository<InstanceEntity> {
    private static final String PROJECTION = "select new org.veil.index.StoredInstance(i.id, st.studyInstanceUid,"
            + " se.seriesInstanceUid, i.sopInstanceUid, i.transferSyntaxUid, i.storageKey, i.sizeBytes, i.datasetOffset,"
            + " i.frames, i.bulkData) from InstanceEntity i join i.series se join i.study st";
    private static final String ORDER = " order by se.id, i.instanceNumber nulls last, i.id";

    /** The instances of a study, of one series in it, or one instance, in retrieval order. */
    public List<StoredInstance> find(String studyUid, String seriesUid, String sopUid) {
        StringBuilder q = new StringBuilder(PROJECTION).append(" where st.studyInstanceUid = :study");
        java.util.Map<String, Object> params = new java.util.HashMap<>();
        params.put("study", studyUid);
        if (seriesUid != null) {
            q.append(" and se.seriesInstanceUid = :series");
            params.put("series", seriesUid);
        }
        if (sopUid != null) {
            q.append(" and i.sopInstanceUid = :sop");
            params.put("sop", sopUid);
        }
        var query = getEntityManager().createQuery(q.append(ORDER).toString(), StoredInstance.class);
        params.forEach(query::setParameter);
        return query.getResultList();
    }

    /** Metadata texts for the given instance ids, in the order of the ids. */
    public List<String> metadataOf(List<Long> ids) {
        List<Object[]> rows = getEntityManager()
                .createQuery("select i.id, i.metadata from InstanceEntity i where i.id in :ids", Object[].class)
                .setParameter("ids", ids).getResultList();
        java.util.Map<Long, String> byId = new java.util.HashMap<>();
        rows.forEach(r -> byId.put((Long) r[0], (String) r[1]));
        return ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
    }

    public boolean isStorageKeyIndexed(String key) {
        return count("storageKey", key) > 0;
    }
}
