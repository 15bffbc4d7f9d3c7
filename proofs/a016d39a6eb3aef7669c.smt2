; corpus/history/5.13-altnot/5.13-x86_64-irq_disable-cli.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x491 (bvsub RSP (_ bv8 64))))
(let ((?x930 (bvadd ?x491 (_ bv8 64))))
(let (($x1486 (and (distinct ?x930 RSP) true)))
(let (($x181 (and (distinct (_ bv18446744071578845191 64) (_ bv18446744071578845191 64)) true)))
(let (($x791 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x512 (= TF (_ bv0 1))))
(let (($x520 (= VM (_ bv0 1))))
(let (($x910 (= DF (_ bv0 1))))
(and $x910 $x520 $x512 $x791 (or $x181 $x1486)))))))))))
(check-sat)
