/* Starts Swagger UI on /docs: a file of ours rather than FastAPI's inline script, so the page
   keeps the strict CSP (script-src 'self'). The page names the OpenAPI document it shows. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null, /* the online validator would be asked from another site */
    presets: [SwaggerUIBundle.presets.apis]
  });
}());
