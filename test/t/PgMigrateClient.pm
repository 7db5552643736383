# test/t/PgMigrateClient.pm - running the pg_migrate client in TAP tests
#
# Shared by the client's test files.  pgm_client_setup() names the node,
# the user and the default database once; pgm() then runs the client
# against them, check() compares its exit status and masked output
# exactly, and the small file helpers write and read migrations.

package PgMigrateClient;

use strict;
use warnings;

use Exporter 'import';
use IPC::Run;
use Test::More;

our @EXPORT = qw(pgm_client_setup pgm mask check wfile rfile mig ls_dir);

my %setup;

# pgm_client_setup(node => $node, user => $user, db => $db,
#                  mask => sub { ... }): the defaults of pgm(), and what
# mask() replaces beyond the durations and time stamps every test masks.
sub pgm_client_setup
{
	%setup = @_;
	return;
}

# Run pg_migrate with @args as $opts->{user} against database $opts->{db}
# (defaults: the setup's), with extra environment variables $opts->{env};
# returns (exit status, stdout, stderr).
sub pgm
{
	my $opts = ref $_[0] eq 'HASH' ? shift : {};
	my @args = @_;
	my $node = $setup{node};
	local $ENV{PGHOST} = $node->host;
	local $ENV{PGPORT} = $node->port;
	local $ENV{PGUSER} = $opts->{user} // $setup{user};
	local $ENV{PGDATABASE} = $opts->{db} // $setup{db};
	local %ENV = (%ENV, %{ $opts->{env} // {} });
	my ($out, $err) = ('', '');
	IPC::Run::run([ 'pg_migrate', @args ], '<', \'', '>', \$out, '2>', \$err,
		IPC::Run::timeout(60));
	return ($? >> 8, $out, $err);
}

# What varies between runs.
sub mask
{
	my ($s) = @_;
	$s =~ s/\(\d+\.\d ms\)/(X ms)/g;
	$s =~ s/\(\d+\.\d ms, committed\)/(X ms, committed)/g;
	$s =~ s/ in \d+\.\d ms$/ in X ms/mg;
	$s =~ s/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/YYYY-MM-DD HH:MM:SS/g;
	$s =~ s/\b\d{14}_/TS_/g;
	# getopt's own messages start with argv[0], which IPC::Run makes the
	# full path of the program
	$s =~ s{^/\S+/pg_migrate: }{pg_migrate: }mg;
	$s = $setup{mask}->($s) if $setup{mask};
	return $s;
}

# Run and compare exit status, stdout and stderr (masked) exactly.
sub check
{
	my ($name, $args, $rc, $out, $err, $opts) = @_;
	my ($grc, $gout, $gerr) = pgm($opts // {}, @$args);
	is($grc, $rc, "$name: exit status $rc");
	is(mask($gout), $out, "$name: stdout");
	is(mask($gerr), $err, "$name: stderr");
	return ($grc, $gout, $gerr);
}

sub wfile
{
	my ($path, $content) = @_;
	open my $fh, '>:raw', $path or die "open $path: $!";
	print $fh $content;
	close $fh or die "close $path: $!";
	return;
}

sub rfile
{
	my ($path) = @_;
	open my $fh, '<:raw', $path or die "open $path: $!";
	local $/;
	my $s = <$fh>;
	close $fh;
	return $s;
}

# A migration file in the format of files.c.
sub mig
{
	my (%m) = @_;
	my $s = "-- migrate:revision $m{id}\n";
	$s .= "-- migrate:parents $m{parents}\n" if defined $m{parents};
	if (defined $m{message})
	{
		# split gives nothing for the empty string: one empty line then
		my @lines = length $m{message} ? split(/\n/, $m{message}, -1) : ('');
		$s .= '-- migrate:message' . (length $_ ? " $_" : '') . "\n" for @lines;
	}
	$s .= "-- migrate:branch-labels $m{labels}\n" if defined $m{labels};
	$s .= "-- migrate:depends-on $m{deps}\n" if defined $m{deps};
	$s .= "-- migrate:up\n$m{up}\n";
	$s .= "-- migrate:down\n$m{down}\n" if defined $m{down};
	return $s;
}

# The names in a directory, sorted; hidden ones only when $all.
sub ls_dir
{
	my ($dir, $all) = @_;
	opendir my $dh, $dir or die "opendir $dir: $!";
	my @f = sort grep { $_ ne '.' && $_ ne '..' && ($all || !/^\./) } readdir $dh;
	closedir $dh;
	return @f;
}

1;
