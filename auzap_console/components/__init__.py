"""Reusable UI pieces: functions returning rx.Component, never taking State."""
