package org.veil.dicomweb;

import jakarta.ws.rs.core.UriInfo;

/** The absolute URL of the DICOMweb root for this request, for RetrieveURL and BulkDataURI. */
final class ServiceUrls {
    private ServiceUrls() {
    }

    static String base(UriInfo uri) {
        String base = uri.getBaseUri().toString();
        return (base.endsWith("/") ? base : base + "/") + "dicomweb";
    }

    /** An instance's resource below the root (PS3.18 10.4.1.1.1): its RetrieveURL, and the prefix of its frames and bulk data. */
    static String instance(String base, String study, String series, String instance) {
        return base + "/studies/" + study + "/series/" + series + "/instances/" + instance;
    }
}
