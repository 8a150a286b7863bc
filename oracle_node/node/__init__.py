"""The node's pipeline: served models, the proving pool, the stages and their assembly."""
