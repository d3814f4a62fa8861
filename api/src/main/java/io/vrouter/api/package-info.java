/** Wire types shared by the management node and the CLI: error codes, error bodies and query conditions. */
package io.vrouter.api;
