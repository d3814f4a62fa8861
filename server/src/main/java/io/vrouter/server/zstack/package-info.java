/**
 * ZStack's own wire on the management node's port: the RPC envelope ({@code POST /zstack/api/}) of zstack-cli and
 * the Python apibinding, and the REST API v1 ({@code /zstack/v1/...}) of ZStack's SDKs, both in front of the one
 * API catalogue. {@link io.vrouter.server.zstack.ZStackApis} is the one table naming each catalogue API as ZStack
 * does (message class, reply class, REST method and path); {@link io.vrouter.server.zstack.ApiJobs} keeps the
 * results both protocols poll; {@link io.vrouter.server.zstack.ZStackJson} writes JSON as ZStack's Gson does.
 */
package io.vrouter.server.zstack;
