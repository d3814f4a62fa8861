/** Test harness: an in-process management node, a throwaway PostgreSQL cluster, an HTTP client for the API. */
package io.vrouter.server.testing;
