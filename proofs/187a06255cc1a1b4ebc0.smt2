; corpus/history/5.13-altnot/5.13-x86_64-read_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x334 (bvsub RSP (_ bv8 64))))
(let ((?x913 (bvadd ?x334 (_ bv8 64))))
(let (($x160 (and (distinct ?x913 RSP) true)))
(let (($x119 (and (distinct (_ bv18446744071578845191 64) (_ bv18446744071578845191 64)) true)))
(let (($x672 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x670 (= TF (_ bv0 1))))
(let (($x457 (= VM (_ bv0 1))))
(let (($x751 (= DF (_ bv0 1))))
(and $x751 $x457 $x670 $x672 (or $x119 $x160)))))))))))
(check-sat)
