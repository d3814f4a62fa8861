package io.vrouter.agent.nft;

/** One element of one of the agent's sets or maps; {@code value} is null for sets. */
record NftElement(String set, String key, String value) {

    String render() {
        return value == null ? key : key + " : " + value;
    }
}
