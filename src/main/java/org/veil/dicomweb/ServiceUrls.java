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
}
