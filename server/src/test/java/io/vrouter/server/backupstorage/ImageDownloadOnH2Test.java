package io.vrouter.server.backupstorage;

import io.vrouter.server.testing.TestDatabase;

class ImageDownloadOnH2Test extends ImageDownloadContract {
    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
