/**
 * The one API catalogue: every API's name, parameters (type, required, choices, range) and handler. It drives
 * dispatch, validation, the CLI's completion and the OpenAPI document.
 */
package io.vrouter.server.api;
