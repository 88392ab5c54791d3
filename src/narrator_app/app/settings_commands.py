"""The global settings (voice, speed, language, execution provider), validated: `controller.settings`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from narrator_app.app.errors import VoicesUnavailable
from narrator_app.app.session import Session
from narrator_app.core.rules import SettingsError
from narrator_app.engine.loader import PROVIDER_CHOICES, ModelUnavailableError
from narrator_app.engine.synthesis import LANGUAGES, MAX_SPEED, MIN_SPEED
from narrator_app.engine.voice_specs import VoiceSpecError, check_voice_spec
from narrator_app.engine.voices import VoicesFileError, default_voice
from narrator_app.store import SettingsRecord


class SettingsCommands:
    def __init__(self, session: Session, on_changed: Callable[[], None]) -> None:
        """`on_changed`: called before `settings_changed` is emitted (drops cached settings)."""
        self._session = session
        self._on_changed = on_changed

    def available_voices(self) -> tuple[str, ...]:
        """Voices in the installed voices file; raises VoicesUnavailable (which file, what to do)."""
        try:
            return self._session.loader.voices()
        except (ModelUnavailableError, VoicesFileError) as error:
            raise VoicesUnavailable(str(error)) from error

    def set_provider(self, provider: str) -> None:
        """Run the model on the CPU ("cpu") or, when onnxruntime offers it, on CUDA ("cuda")."""
        if provider not in PROVIDER_CHOICES:
            raise SettingsError(f"Unknown execution provider {provider!r}; choose cpu or cuda.")
        self._session.repository.update_settings(execution_provider=provider)
        self._session.loader.set_provider(provider)

    def check_voice(self, voice: str) -> str:
        """A voice or blend (`af_bella:2,af_sky:1`) checked against the installed voices, in its
        canonical form; raises SettingsError listing the voices (or VoicesUnavailable)."""
        voices = self.available_voices()
        try:
            return check_voice_spec(voice, voices, self._session.loader.availability().voices)
        except VoiceSpecError as error:
            raise SettingsError(str(error)) from error

    def current(self) -> SettingsRecord:
        """The global settings; the default voice is filled in once a voices file is known."""
        repository = self._session.repository
        settings = repository.get_settings()
        if settings.default_voice_id is None:
            try:
                voices = self.available_voices()
            except VoicesUnavailable:
                return settings
            if self._session.read_only:  # beside the folder's holder: used, not stored
                return replace(settings, default_voice_id=default_voice(voices))
            settings = repository.update_settings(default_voice_id=default_voice(voices))
        return settings

    def update(
        self, *, voice: str | None = None, speed: float | None = None, language: str | None = None
    ) -> SettingsRecord:
        """Validate and store; raises SettingsError (what is allowed) or VoicesUnavailable."""
        if speed is not None and not MIN_SPEED <= speed <= MAX_SPEED:
            raise SettingsError(f"Speed must be between {MIN_SPEED} and {MAX_SPEED}; got {speed}.")
        if language is not None and language not in LANGUAGES:
            raise SettingsError(f"Unknown language {language!r}; choose one of: {', '.join(LANGUAGES)}.")
        if voice is not None:
            voice = self.check_voice(voice)
        self.current()  # make sure the row exists with its defaults
        updated = self._session.repository.update_settings(
            default_voice_id=voice, tts_speed=speed, language=language
        )
        self._on_changed()
        self._session.events.settings_changed.emit()
        return updated

    def keep_voice_after_new_files(self) -> None:
        """New model files are in place: keep the voice if the new voices file has it, else take its
        default."""
        try:
            voices = self.available_voices()
            current = self._session.repository.get_settings().default_voice_id
            if current is not None:
                check_voice_spec(current, voices)
        except VoicesUnavailable:
            pass
        except VoiceSpecError:
            self._session.repository.update_settings(default_voice_id=default_voice(voices))
