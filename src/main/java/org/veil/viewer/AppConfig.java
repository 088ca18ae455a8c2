package org.veil.viewer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.veil.policy.Purpose;

/**
 * The viewer's {@code app-config.js} for one purpose: OHIF's shipped defaults (modes, hot keys,
 * limits), then Veil's settings over them: the router base, one DICOMweb data source on this
 * origin, and the OIDC client asking for the purpose's scope. Everything here comes from runtime
 * configuration, nothing from the build.
 */
final class AppConfig {
    private AppConfig() {
    }

    static String of(Path dist, Purpose purpose, String authority, String clientId) {
        String defaults;
        try {
            defaults = Files.readString(dist.resolve("app-config.js"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String base = ViewerRoutes.BASE + purpose.scopeName();
        return defaults + """

                // Veil: what follows replaces OHIF's defaults above (served for the purpose %1$s).
                // The ONNX runtime bundled in OHIF names its own location from the script being
                // run, or else from Node's __filename: when a reload takes the bundles from the
                // HTTP cache there is no such script, the name is undefined and the app stops
                // before it renders. Here it is: a file in the viewer's own folder.
                window.__filename = window.location.origin + '%2$s/app-config.js';
                (function () {
                  var dicomweb = window.location.origin + '/dicomweb';
                  window.config.routerBasename = '%2$s';
                  window.config.showStudyList = true;
                  window.config.defaultDataSourceName = 'veil';
                  window.config.dataSources = [{
                    namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
                    sourceName: 'veil',
                    configuration: {
                      friendlyName: 'Veil',
                      name: 'veil',
                      wadoUriRoot: dicomweb,
                      qidoRoot: dicomweb,
                      wadoRoot: dicomweb,
                      qidoSupportsIncludeField: true,
                      supportsReject: false,
                      imageRendering: 'wadors',
                      thumbnailRendering: 'wadors',
                      enableStudyLazyLoad: true,
                      supportsFuzzyMatching: true,
                      supportsWildcard: true,
                      omitQuotationForMultipartRequest: true,
                      bulkDataURI: { enabled: true },
                    },
                  }];
                  window.config.oidc = [{
                    authority: %3$s,
                    client_id: %4$s,
                    // OHIF puts its router base in front of this.
                    redirect_uri: '/callback',
                    // OHIF routes this path without removing its router base: under the base it
                    // must name no route of its own ("/viewer/" would catch every opened study).
                    post_logout_redirect_uri: window.location.origin + '%5$s',
                    response_type: 'code',
                    scope: 'openid purpose:%1$s',
                    automaticSilentRenew: true,
                    revokeAccessTokenOnSignout: true,
                    // The signed-in user, its access and refresh tokens with it, is kept in this
                    // page's memory, not in sessionStorage (the OIDC library's default), where any
                    // script running in the origin could read it. OHIF reads no stored user back:
                    // each page load signs in again through Keycloak's single sign-on.
                    userStore: (function () {
                      var kept = new Map();
                      return {
                        set: function (key, value) { kept.set(key, value); return Promise.resolve(); },
                        get: function (key) { return Promise.resolve(kept.has(key) ? kept.get(key) : null); },
                        remove: function (key) {
                          var value = kept.has(key) ? kept.get(key) : null;
                          kept.delete(key);
                          return Promise.resolve(value);
                        },
                        getAllKeys: function () { return Promise.resolve(Array.from(kept.keys())); },
                      };
                    })(),
                  }];
                })();
                """.formatted(purpose.scopeName(), base, jsString(authority), jsString(clientId), ViewerRoutes.SIGNED_OUT);
    }

    /** A JavaScript string literal of a configured value. */
    private static String jsString(String s) {
        StringBuilder out = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            if (c == '\'' || c == '\\' || c == '<' || c == '>' || c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('\'').toString();
    }
}
