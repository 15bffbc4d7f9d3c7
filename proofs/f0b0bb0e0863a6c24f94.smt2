; corpus/history/5.13-altnot/5.13-x86_64-irq_enable-sti.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x844 (bvsub RSP (_ bv8 64))))
(let ((?x2082 (bvadd ?x844 (_ bv8 64))))
(let (($x665 (and (distinct ?x2082 RSP) true)))
(let (($x186 (and (distinct (_ bv18446744071578845191 64) (_ bv18446744071578845191 64)) true)))
(let (($x378 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x371 (= TF (_ bv0 1))))
(let (($x117 (= VM (_ bv0 1))))
(let (($x555 (= DF (_ bv0 1))))
(and $x555 $x117 $x371 $x378 (or $x186 $x665)))))))))))
(check-sat)
