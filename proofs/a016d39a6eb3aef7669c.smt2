; corpus/history/5.13-altnot/5.13-x86_64-irq_disable-cli.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x693 (bvsub RSP (_ bv8 64))))
(let ((?x363 (bvadd ?x693 (_ bv8 64))))
(let (($x555 (and (distinct ?x363 RSP) true)))
(let (($x662 (and (distinct (_ bv18446744071578845191 64) (_ bv18446744071578845191 64)) true)))
(let (($x356 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x868 (= TF (_ bv0 1))))
(let (($x674 (= VM (_ bv0 1))))
(let (($x198 (= DF (_ bv0 1))))
(and $x198 $x674 $x868 $x356 (or $x662 $x555)))))))))))
(check-sat)
