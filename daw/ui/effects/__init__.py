"""Effect chains in the window: the chain of each mixer strip (`chain.ChainWidget`), the editor
of each effect with the EQ's curve and the gain reduction of dynamics (`editor.EffectEditor`),
and presets (`presets`)."""
