/** ZStack's REST API v1 ({@code /zstack/v1/...}), the protocol of ZStack's Java, Go and Python SDKs. */
package io.vrouter.server.zstack.rest;
