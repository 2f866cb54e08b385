"""Building blocks every feature uses (they import no feature package): the serial worker,
dialogs, the progress bar, the table model, settings, help, passphrase and date widgets,
keyboard and Qt fixes, Qt's own translations."""
