"""Kivy screens: one per place on the TV, each handed its dependencies by TvApp.build()."""
