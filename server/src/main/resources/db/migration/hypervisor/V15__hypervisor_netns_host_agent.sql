-- How the management node reaches each Netns host's agent: its port on the host's management IP and the secret
-- it accepts. A null port (and secret) is the agent the management node runs for its own machine.
CREATE TABLE netns_host_agent (
    host_uuid    VARCHAR(32)  NOT NULL PRIMARY KEY REFERENCES host (uuid) ON DELETE CASCADE,
    agent_port   INT,
    agent_secret VARCHAR(256)
);
