package replication

import "context"

// Bytes is the size of a database's replica: every LTX file at every
// level (usage metering, issue #19). It lists the replica, so callers
// cache it (the meter reads it once per flush of an active tenant).
func (t ReplicaTarget) Bytes(ctx context.Context, name string) (int64, error) {
	client, err := t.Client(name)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, level := range replicaLevels {
		itr, err := client.LTXFiles(ctx, level, 0, false)
		if err != nil {
			return 0, err
		}
		for itr.Next() {
			n += itr.Item().Size
		}
		if err := itr.Close(); err != nil {
			return 0, err
		}
	}
	return n, nil
}
