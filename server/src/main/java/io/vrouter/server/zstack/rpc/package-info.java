/** The RPC envelope of zstack-cli and the Python apibinding: {@code POST /zstack/api/}, {@code GET /zstack/api/result/{uuid}}. */
package io.vrouter.server.zstack.rpc;
