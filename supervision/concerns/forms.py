"""The public concern form: no login, spam-resistant without a third-party captcha.

* a honeypot field (`website`), hidden from people, that bots fill in;
* a signed moment the form was shown (`shown`): sent sooner than CONCERN_FORM_MIN_SECONDS is
  refused, and a form older than a day has expired (the values typed are kept either way);
* the one-time token of core/once.py: the same form posted twice makes one concern;
* the daily caps per address and per institution (services.check_daily_caps).
"""

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supervision.core import clock, uploads
from supervision.core.once import token_field

SHOWN_SALT = "supervision.concerns.form-shown"
MAX_AGE_SECONDS = 24 * 3600
MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = ("image/jpeg", "image/png")


def shown_stamp() -> str:
    return signing.dumps(clock.now().timestamp(), salt=SHOWN_SALT)


class PhotosInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = PhotosInput(attrs={"accept": "image/jpeg,image/png"})

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("Send at most %(count)s photos.") % {"count": MAX_PHOTOS})
        checked, problems = [], []
        for upload in files:
            result = uploads.check_document(upload, limit=MAX_PHOTO_BYTES)
            if result.ok and result.content_type not in PHOTO_TYPES:
                result = uploads.Checked(False, message=_("“%(name)s” is not a photo (JPEG or PNG).") % {
                    "name": upload.name})
            (checked.append((upload, result.content_type)) if result.ok else problems.append(result.message))
        if problems:
            raise forms.ValidationError(problems)
        return checked


class ConcernForm(forms.Form):
    institution = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=gettext_lazy("What happened"), min_length=10, max_length=3000,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=gettext_lazy("When and where, and what you saw or heard. Do not write the "
                                                  "names or ID numbers of residents."))
    contact = forms.CharField(label=gettext_lazy("Your phone or e-mail (optional)"), max_length=100, required=False,
                              help_text=gettext_lazy("Only the department sees it, to ask you more if needed."))
    photos = PhotosField(label=gettext_lazy("Photos (optional, at most three, JPEG or PNG)"), required=False)
    website = forms.CharField(label=gettext_lazy("Leave this field empty"), required=False)  # the honeypot
    shown = forms.CharField(widget=forms.HiddenInput)
    once = token_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shown"].initial = shown_stamp
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.expired = False

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""

    def clean_shown(self):
        try:
            shown = float(signing.loads(self.cleaned_data["shown"], salt=SHOWN_SALT))
        except (signing.BadSignature, TypeError, ValueError):
            self.expired = True
            raise forms.ValidationError(_("This form has expired: check what you wrote and send it again.")) from None
        elapsed = clock.now().timestamp() - shown
        if elapsed > MAX_AGE_SECONDS:
            self.expired = True
            raise forms.ValidationError(_("This form has expired: check what you wrote and send it again."))
        if elapsed < settings.CONCERN_FORM_MIN_SECONDS:
            raise forms.ValidationError(_(
                "The form was sent only seconds after it was shown. Check what you wrote and send it again."))
        return shown


class TrackForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Tracking code"), max_length=40)
