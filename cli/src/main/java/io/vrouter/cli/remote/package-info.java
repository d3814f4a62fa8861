/** What the CLI keeps between runs: the session it logged in with. */
package io.vrouter.cli.remote;
